package dev.striate.core.data;

/** A rectangle of an image, in pixels: top-left corner and size. */
record CropWindow(int top, int left, int height, int width) {
}
