export const plugins = [
  'a',
  'b',
  'c',
];
