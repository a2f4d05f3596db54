import { openSqliteDatabase, type NodeSqliteDatabase } from '../../../core/store/sqlite-driver';

/** The node:sqlite adapter's prepared-statement cache: reuse by SQL text, bounded LRU, finalized on close. */
describe('NodeSqliteDatabase statement cache', () => {
  let db: NodeSqliteDatabase | undefined;

  afterEach(() => {
    db?.close();
    db = undefined;
  });

  const open = (statementCacheSize?: number) => {
    db = openSqliteDatabase(':memory:', statementCacheSize === undefined ? {} : { statementCacheSize });
    db.raw.exec('create table t (id integer primary key, v text)');
    return db;
  };

  it('prepares a statement text once and reuses it with new parameters', () => {
    const d = open();
    const insert = d.prepare('insert into t (id, v) values (?, ?)');
    insert.run([1, 'a']);
    const again = d.prepare('insert into t (id, v) values (?, ?)');
    expect(again).toBe(insert);
    again.run([2, 'b']);
    const select = d.prepare('select v from t where id = ?');
    expect(select.reader).toBe(true);
    expect(insert.reader).toBe(false);
    expect(select.all([2])).toEqual([{ v: 'b' }]);
    expect(d.prepare('select v from t where id = ?').all([1])).toEqual([{ v: 'a' }]);
    expect(d.cachedStatements).toBe(2);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const d = open(2);
    const a = d.prepare('select 1 as a');
    const b = d.prepare('select 2 as b');
    expect(d.prepare('select 1 as a')).toBe(a); // a is now the most recently used
    d.prepare('select 3 as c'); // evicts b
    expect(d.cachedStatements).toBe(2);
    expect(d.prepare('select 1 as a')).toBe(a);
    const b2 = d.prepare('select 2 as b');
    expect(b2).not.toBe(b);
    expect(b2.all([])).toEqual([{ b: 2 }]);
  });

  it('prepares anew every time with a capacity of 0', () => {
    const d = open(0);
    expect(d.prepare('select 1 as a')).not.toBe(d.prepare('select 1 as a'));
    expect(d.cachedStatements).toBe(0);
  });

  it('turns a plain BEGIN into BEGIN IMMEDIATE, cached like any statement', () => {
    const d = open();
    d.prepare('begin').run([]);
    expect(d.raw.isTransaction).toBe(true);
    d.prepare('commit').run([]);
    expect(d.prepare('begin')).toBe(d.prepare('begin'));
  });

  it('streams with a statement of its own, so running the same text meanwhile does not reset the stream', () => {
    const d = open();
    for (let i = 1; i <= 3; i++) d.prepare('insert into t (id, v) values (?, ?)').run([i, `v${i}`]);
    const select = d.prepare('select id from t where id >= ? order by id');
    const stream = select.iterate([1]);
    expect(stream.next().value).toEqual({ id: 1 });
    expect(select.all([3])).toEqual([{ id: 3 }]);
    expect([...stream]).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('finalizes the cached statements when the database closes', () => {
    const d = open();
    const select = d.prepare('select v from t');
    expect(select.all([])).toEqual([]);
    d.close();
    db = undefined;
    expect(d.cachedStatements).toBe(0);
    expect(() => select.all([])).toThrow(/finalized/);
    // closing twice is harmless
    expect(() => d.close()).not.toThrow();
  });
});
