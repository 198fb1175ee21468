import { execFileSync } from 'node:child_process';

const setFlagsFromString = jest.fn();
jest.mock('node:v8', () => ({ setFlagsFromString: (flags: string) => setFlagsFromString(flags) }));

import { applyHeapGrowing } from './heap';

describe('the old generation growth setting', () => {
  beforeEach(() => setFlagsFromString.mockClear());

  it('names a flag this Node.js V8 has', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options).toMatch(/^\s*--heap-growing-percent\b/m);
  });

  it('sets the growth in whole percent, and leaves V8 its own rule at 0', () => {
    applyHeapGrowing(100);
    applyHeapGrowing(37.6);
    applyHeapGrowing(0);
    expect(setFlagsFromString.mock.calls).toEqual([['--heap-growing-percent=100'], ['--heap-growing-percent=38']]);
  });
});
