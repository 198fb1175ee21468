import { barsOf, secondsOf } from './peaks';

describe('waveform peaks for drawing', () => {
  it('folds many peaks into fewer bars, keeping the largest of each group', () => {
    expect(barsOf([0.1, 0.5, 0.2, 0.9, 0.3, 0.4], 3)).toEqual([0.5, 0.9, 0.4]);
  });

  it('stretches few peaks over more bars, and clamps values to 0..1', () => {
    expect(barsOf([0.2, 1.5], 4)).toEqual([0.2, 0.2, 1, 1]);
  });

  it('draws nothing without peaks or room', () => {
    expect(barsOf([], 10)).toEqual([]);
    expect(barsOf([0.5], 0)).toEqual([]);
  });

  it('knows how long the peaks last', () => {
    expect(secondsOf({ sampleRate: 8000, samplesPerPeak: 80, peaks: new Array(1000).fill(0) })).toBe(10);
  });
});
