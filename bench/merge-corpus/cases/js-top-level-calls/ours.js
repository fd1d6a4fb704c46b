app.use(a);
app.use(b);
