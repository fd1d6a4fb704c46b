export class Store {
  private items: string[] = [];
}
