export enum Color {
  Red,
  Blue,
}
