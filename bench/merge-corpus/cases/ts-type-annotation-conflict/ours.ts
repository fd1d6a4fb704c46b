export interface Config {
  port: string;
}
