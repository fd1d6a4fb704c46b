import { Db } from './db.js';
import { Log } from './log.js';
import { Cache } from './cache.js';

export class Repo {
  constructor(private db: Db) {}

  find(id: string) {
    return this.db.get(id);
  }

  remove(id: string) {
    return this.db.delete(id);
  }
}
