-- .nn files in Neovim: the filetype, comments, and the nnc language server (nnc lsp).
--
-- In init.lua (Neovim 0.7 or later), with this file at ~/.config/nvim/lua/nnc.lua:
--
--   require('nnc').setup()                           -- runs `nnc lsp` from PATH
--   require('nnc').setup({ cmd = { '/path/to/nnc', 'lsp' } })
--
-- Neovim 0.8 and later start the client with vim.lsp.start (one client per project
-- directory, reused across buffers); Neovim 0.7 (Debian 12) has no vim.lsp.start, so one
-- client is started with vim.lsp.start_client and attached to each buffer with
-- vim.lsp.buf_attach_client.
local M = {}

local client_id -- Neovim 0.7: the one client, shared by every .nn buffer

local function start(config, bufnr)
  if vim.lsp.start then
    vim.lsp.start(config) -- attaches the current buffer, the one FileType fired for
    return
  end
  if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
    client_id = vim.lsp.start_client(config)
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
end

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'nnc', 'lsp' }
  local group = vim.api.nvim_create_augroup('nnc', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.nn',
    command = 'setfiletype nn',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'nn',
    callback = function(args)
      vim.bo[args.buf].commentstring = '// %s'
      local file = vim.api.nvim_buf_get_name(args.buf)
      start({
        name = 'nnc',
        cmd = cmd,
        root_dir = vim.fn.fnamemodify(file, ':p:h'),
        on_attach = opts.on_attach,
      }, args.buf)
    end,
  })
end

return M
