export function run(app) {
  app.use(auth);
  app.start();
}
