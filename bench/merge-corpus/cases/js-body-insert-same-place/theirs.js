export function run(app) {
  app.use(logger);
  app.start();
}
