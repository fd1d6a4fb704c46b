import { Db } from './db.js';

export class Repo {
  constructor(private db: Db) {}
}
