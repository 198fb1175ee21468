import type { ProcessingStarter } from '../processing/processing.port';
import type { ManagedStarter } from '../services';

/** Stands in for the processing queue: records which assets were started, or fails on demand. */
export class RecordingStarter implements ManagedStarter {
  readonly started: string[] = [];
  readonly transcribed: string[] = [];
  /** Assets whose renditions were to be re-muxed with new chapter marks. */
  readonly chaptered: string[] = [];
  failing = false;
  /** A real queue that started assets are handed on to (specs that run the whole pipeline). */
  forwardTo: ProcessingStarter | null = null;

  async start(assetId: string): Promise<void> {
    if (this.failing) throw new Error('queue unavailable (test)');
    this.started.push(assetId);
    await this.forwardTo?.start(assetId);
  }

  async transcribe(assetId: string): Promise<void> {
    if (this.failing) throw new Error('queue unavailable (test)');
    this.transcribed.push(assetId);
  }

  async embedChapters(assetId: string): Promise<void> {
    if (this.failing) throw new Error('queue unavailable (test)');
    this.chaptered.push(assetId);
  }
}
