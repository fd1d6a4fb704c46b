export class Box {
  #v = 0;
  set value(v: number) {
    this.#v = v;
  }
}
