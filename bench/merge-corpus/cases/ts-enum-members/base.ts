export enum Color {
  Red,
}
