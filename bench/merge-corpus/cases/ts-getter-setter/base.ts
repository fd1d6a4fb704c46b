export class Box {
  #v = 0;
}
