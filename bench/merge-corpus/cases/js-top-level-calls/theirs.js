app.use(a);
app.use(c);
