export function run(app) {
  app.start();
}
