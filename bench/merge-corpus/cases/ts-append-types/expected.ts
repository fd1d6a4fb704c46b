export type Id = string;

export type Name = string;

export interface Point {
  x: number;
}
