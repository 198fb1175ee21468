/** bigint columns arrive as strings; sizes stay far below 2^53, so a number is exact. */
export const bigintAsNumber = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};
