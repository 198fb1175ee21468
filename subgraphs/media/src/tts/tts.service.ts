import { type Viewer, canManage } from '@wavegraph/auth';
import { KnownEpisode, PUBLISHED } from '@wavegraph/events';
import { badInput, forbidden, type Logger, requireUuid, type SubgraphPubSub, unauthenticated } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { MediaAsset } from '../asset/asset.entity';
import { MediaStatus } from '../asset/asset.enums';
import { startProcessing } from '../asset/asset.starting';
import { episodeUnknown } from '../common/errors';
import { STEPS, type ProcessingStarter } from '../processing/processing.port';
import { saveScript } from './script.store';
import type { TtsEngines } from './tts.engines';
import { validScript } from './tts.script';

/** Episodes made from text: the asset is created as an upload creates it, its source comes from `synthesize`. */
export class TtsService {
  constructor(
    private readonly dataSource: DataSource,
    readonly engines: TtsEngines,
    private readonly starter: ProcessingStarter,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  /**
   * Owner, EDITOR or ADMIN: in one transaction the asset (PROCESSING, no source yet), its steps and
   * its script; after the commit the flow starts with `synthesize`. The new asset becomes the
   * episode's media as a new upload would.
   */
  async create(viewer: Viewer | null, episodeId: string, script: string, voice: string): Promise<MediaAsset> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('episodeId', episodeId).toLowerCase();
    if (!this.engines.find(voice)) {
      const known = this.engines.voices().map((v) => v.id);
      throw badInput(known.length ? `Unknown voice ${JSON.stringify(voice)}; ttsVoices lists the ${known.length} available` : 'Text-to-speech is not enabled on this server', 'voice');
    }
    const text = validScript(script);
    const asset = await this.dataSource.transaction(async (tx) => {
      const episode = await tx.findOne(KnownEpisode, { where: { episodeId: id }, lock: { mode: 'pessimistic_read' } });
      if (!episode) throw episodeUnknown();
      if (!canManage(viewer, episode.ownerId)) {
        if (episode.status !== PUBLISHED) throw episodeUnknown();
        throw forbidden("Only the episode's owner, an editor or an admin can make its audio");
      }
      const saved = await tx.save(
        tx.create(MediaAsset, { episodeId: id, ownerId: episode.ownerId, status: MediaStatus.PROCESSING, mimeType: 'audio/flac', outputs: {}, run: 0, updatedAt: new Date() }),
      );
      await tx.query('INSERT INTO media_steps (asset_id, step) SELECT $1, unnest($2::text[])', [saved.id, [...STEPS]]);
      await saveScript(tx, saved.id, { voice, text }, viewer.id);
      return saved;
    });
    await startProcessing(this.dataSource, this.starter, this.pubSub, this.log, asset.id);
    return this.dataSource.getRepository(MediaAsset).findOneByOrFail({ id: asset.id });
  }
}
