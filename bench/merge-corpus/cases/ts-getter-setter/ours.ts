export class Box {
  #v = 0;
  get value() {
    return this.#v;
  }
}
