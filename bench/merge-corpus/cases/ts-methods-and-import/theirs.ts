import { Db } from './db.js';
import { Cache } from './cache.js';

export class Repo {
  constructor(private db: Db) {}

  remove(id: string) {
    return this.db.delete(id);
  }
}
