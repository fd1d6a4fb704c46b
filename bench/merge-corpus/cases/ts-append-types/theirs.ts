export type Id = string;

export interface Point {
  x: number;
}
