import { coercionField } from './input-errors';

describe('coercionField', () => {
  it.each([
    ['Variable "$input" got invalid value "CARS" at "input.category"; Value "CARS" does not exist in "ShowCategory" enum.', 'category'],
    ['Variable "$category" got invalid value "CARS"; Value "CARS" does not exist in "ShowCategory" enum.', 'category'],
    ['Variable "$chapters" got invalid value "x" at "chapters[1].startSeconds"; Float cannot represent non numeric value: "x"', 'startSeconds'],
    ['Variable "$ids" got invalid value "x" at "ids[2]"; ID cannot represent value: {}', 'ids'],
  ])('names the field of %s', (message, field) => {
    expect(coercionField(message)).toBe(field);
  });

  it('says nothing of other errors', () => {
    expect(coercionField('title must be 1 to 200 characters')).toBeUndefined();
  });
});
