export const a = 1;
export const c = 3;
