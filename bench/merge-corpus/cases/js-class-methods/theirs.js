export class Cart {
  constructor() {
    this.items = [];
  }

  clear() {
    this.items = [];
  }
}
