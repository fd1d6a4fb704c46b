export const plugins = [
  'a',
  'b',
];
