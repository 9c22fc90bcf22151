//go:build !unix

package candidate

import "errors"

// freeSpace is not measured on this system: uploads are then bounded only
// by the per-recording limit and the disk itself.
func freeSpace(root, dir string) (int64, error) {
	return 0, errors.New("free space is not measured on this system")
}
