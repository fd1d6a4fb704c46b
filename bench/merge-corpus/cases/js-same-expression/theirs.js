export const limit = 30;
