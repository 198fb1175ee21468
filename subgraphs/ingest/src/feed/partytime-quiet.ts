// podcast-partytime logs each item it skips with its own pino logger (level from PARTYTIME_LOG,
// read when it loads): the job records say why instead. Imported before podcast-partytime.
process.env.PARTYTIME_LOG ??= 'silent';
export {};
