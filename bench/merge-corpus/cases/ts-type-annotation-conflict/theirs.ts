export interface Config {
  port: number | string;
}
