export class Store {
  private items: string[] = [];
  private size = 0;
  readonly name = 'store';
}
