export async function main(argv: string[]): Promise<void> {
  process.stdout.write(`maestro ${argv.join(' ')}\n`);
}
