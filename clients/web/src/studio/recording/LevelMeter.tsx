/** The microphone's input level, 0..100 of -60..0 dBFS, as a meter assistive technology can read. */
export function LevelMeter({ level }: { level: number }) {
  // the scale's colours stay put; the part above the level is covered
  return (
    <div className="level-meter" role="meter" aria-label="Input level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={level} aria-valuetext={`${level}%`}>
      <div className="level-meter-rest" style={{ width: `${100 - level}%` }} />
    </div>
  );
}
