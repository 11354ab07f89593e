import type { Db } from '../../db/database.js';

/**
 * Prepared statements for module-level functions (imports) that take a `Db` rather than
 * living in a class: prepared on first use per database, then reused.
 */
export function preparedOnce<T extends object>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) {
      statements = build(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
