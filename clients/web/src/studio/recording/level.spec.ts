import { levelOf } from './level';

describe('levelOf: the input level meter reading', () => {
  it('reads 0 for silence and 100 for a full-scale square wave', () => {
    expect(levelOf(new Float32Array(2048))).toBe(0);
    expect(levelOf(Float32Array.from({ length: 2048 }, (_, i) => (i % 2 ? 1 : -1)))).toBe(100);
  });

  it('places a sine at -20 dBFS RMS two thirds up the -60..0 dB scale', () => {
    const amplitude = 0.1 * Math.SQRT2;
    const sine = Float32Array.from({ length: 4800 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000));
    expect(levelOf(sine)).toBe(67);
  });

  it('reads 0 below the -60 dB floor', () => {
    expect(levelOf(Float32Array.from({ length: 1024 }, () => 0.0005))).toBe(0);
  });
});
