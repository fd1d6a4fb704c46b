export const plugins = [
  'a',
  'c',
];
