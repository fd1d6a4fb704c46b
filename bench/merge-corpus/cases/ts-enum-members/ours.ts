export enum Color {
  Red,
  Green,
}
