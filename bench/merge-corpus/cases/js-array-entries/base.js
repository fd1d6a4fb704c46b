export const plugins = [
  'a',
];
