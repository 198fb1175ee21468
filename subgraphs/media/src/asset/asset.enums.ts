import { registerEnumType } from 'type-graphql';

export enum MediaStatus {
  AWAITING_UPLOAD = 'AWAITING_UPLOAD',
  PROCESSING = 'PROCESSING',
  READY = 'READY',
  FAILED = 'FAILED',
  DELETED = 'DELETED',
}

export enum MediaStepStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}

registerEnumType(MediaStatus, {
  name: 'MediaStatus',
  description: 'AWAITING_UPLOAD until the file arrived whole, PROCESSING while the steps run, then READY or FAILED',
});
registerEnumType(MediaStepStatus, { name: 'MediaStepStatus' });
