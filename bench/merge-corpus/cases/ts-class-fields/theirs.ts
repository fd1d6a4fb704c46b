export class Store {
  private items: string[] = [];
  readonly name = 'store';
}
