export type Id = string;

export type Name = string;
