import vm from 'node:vm';
import { isPlainObject } from '../../../connectors/file/formats/values';

describe('isPlainObject', () => {
  it('accepts plain objects from another realm (structured clones, plugins, vm contexts)', () => {
    // Failed before: the check compared prototypes with this realm's Object.prototype.
    expect(isPlainObject(vm.runInNewContext('({ a: 1 })'))).toBe(true);
    expect(isPlainObject(structuredClone({ a: 1 }))).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
  });

  it('refuses arrays, class instances, dates and null', () => {
    class Contact {
      email = 'a@b.c';
    }
    expect(isPlainObject([1])).toBe(false);
    expect(isPlainObject(new Contact())).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(vm.runInNewContext('[1]'))).toBe(false);
  });
});
