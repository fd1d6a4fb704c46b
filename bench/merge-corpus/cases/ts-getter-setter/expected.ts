export class Box {
  #v = 0;
  get value() {
    return this.#v;
  }
  set value(v: number) {
    this.#v = v;
  }
}
