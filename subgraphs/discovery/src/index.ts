export { discoveryModule } from './discovery.module';
export type { DiscoveryServices } from './services';
export { rebuildProjections, type RebuildOptions, type RebuildResult } from './projection/rebuild';
