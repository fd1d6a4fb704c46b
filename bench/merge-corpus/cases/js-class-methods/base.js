export class Cart {
  constructor() {
    this.items = [];
  }
}
