// The one entry esbuild bundles (build.mjs): the Tiptap/ProseMirror pieces the newsroom's
// editor uses, exposed as one global so broadsheet/newsroom/static/newsroom/editor.js (our
// own code, kept readable and unbundled) can build the editor from them.
import { Editor, Node, mergeAttributes } from "@tiptap/core";
import Image from "@tiptap/extension-image";
import Link from "@tiptap/extension-link";
import StarterKit from "@tiptap/starter-kit";

window.BroadsheetTiptap = { Editor, Node, mergeAttributes, StarterKit, Link, Image };
