/** The microphone's input level, 0..100 of -60..0 dBFS, as a meter assistive technology can read. */
export function LevelMeter({ level }: { level: number }) {
  return (
    <div className="level-meter" role="meter" aria-label="Input level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={level} aria-valuetext={`${level}%`}>
      <div className="level-meter-fill" style={{ width: `${level}%` }} />
    </div>
  );
}
