import { secondsAfterKey, secondsAt } from './seek';

describe('the waveform seek bar', () => {
  it('lands a click in proportion to where it is along the bar', () => {
    expect(secondsAt(300, 600, 30)).toBe(15);
    expect(secondsAt(0, 600, 30)).toBe(0);
    expect(secondsAt(600, 600, 30)).toBe(30);
    // a click just outside the drawn bars stays within the audio
    expect(secondsAt(-4, 600, 30)).toBe(0);
    expect(secondsAt(612, 600, 30)).toBe(30);
  });

  it('does not seek before the length or the width is known', () => {
    expect(secondsAt(300, 600, 0)).toBeNull();
    expect(secondsAt(300, 0, 30)).toBeNull();
    expect(secondsAfterKey('ArrowRight', 3, 0)).toBeNull();
  });

  it('moves by five seconds with the arrow keys, to either end with Home and End, within the audio', () => {
    expect(secondsAfterKey('ArrowRight', 10, 30)).toBe(15);
    expect(secondsAfterKey('ArrowUp', 10, 30)).toBe(15);
    expect(secondsAfterKey('ArrowLeft', 10, 30)).toBe(5);
    expect(secondsAfterKey('ArrowDown', 3, 30)).toBe(0);
    expect(secondsAfterKey('ArrowRight', 28, 30)).toBe(30);
    expect(secondsAfterKey('Home', 12, 30)).toBe(0);
    expect(secondsAfterKey('End', 12, 30)).toBe(30);
    expect(secondsAfterKey('Enter', 12, 30)).toBeNull();
  });
});
