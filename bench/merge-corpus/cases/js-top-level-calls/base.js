app.use(a);
