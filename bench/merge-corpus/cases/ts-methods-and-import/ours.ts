import { Db } from './db.js';
import { Log } from './log.js';

export class Repo {
  constructor(private db: Db) {}

  find(id: string) {
    return this.db.get(id);
  }
}
