"""A zoo of tiny one-operator Keras models converted to .tflite (int8 and float32), cached on disk."""
